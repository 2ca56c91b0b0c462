"""Prompt banks as data files, one folder per locale (a package so that builds ship them)."""
