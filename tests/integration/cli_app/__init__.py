"""A small app for the command-line tests: `worker tests.integration.cli_app` discovers both modules."""
