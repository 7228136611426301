"""Models of 网络党校."""
