"""Thin command functions: parse options, open the store, call the domain, render."""
