"""Models of 党建新鲜事."""
