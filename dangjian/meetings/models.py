"""Models of 组织生活."""
