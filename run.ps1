# agriremed on Windows, without bash: the same commands as run.sh.
#
#   powershell -ExecutionPolicy Bypass -File run.ps1 plan     set up, then plan the sample plots into out\
#   powershell -ExecutionPolicy Bypass -File run.ps1 dash     set up, then serve the dashboards offline
#   powershell -ExecutionPolicy Bypass -File run.ps1 test | env | bundle
#
# The work is done by run.py (standard-library Python); this script finds Python 3.11 or newer.
$ErrorActionPreference = "Stop"
Set-Location -Path $PSScriptRoot
$python = $env:PYTHON
if (-not $python) {
    if (Get-Command py -ErrorAction SilentlyContinue) { $python = "py"; $pyArgs = @("-3") }
    elseif (Get-Command python -ErrorAction SilentlyContinue) { $python = "python"; $pyArgs = @() }
    else { Write-Error "Python 3.11 or newer is needed: install it from python.org (tick 'Add python.exe to PATH')"; exit 2 }
} else { $pyArgs = @() }
& $python @pyArgs run.py @args
exit $LASTEXITCODE
