"""Plotly figures in one house style, built from metrics DataFrames (never from SQL)."""
