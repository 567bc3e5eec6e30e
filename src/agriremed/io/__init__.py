"""Reading and checking input tables (CSV, Excel, Parquet, GIS), writing outputs, the
report, workbook, advice sheets and figures.
"""
