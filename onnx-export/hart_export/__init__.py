"""hart_export: a faithful PyTorch reference of HART inference, the bundle exporter and HART-tiny."""
__version__ = "0.1.0"
