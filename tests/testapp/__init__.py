"""Models and views that exist only for the tests."""
