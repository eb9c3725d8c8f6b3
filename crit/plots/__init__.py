"""Figures of the book, one module per chapter; each function takes computed results and returns a figure."""
