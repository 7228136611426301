"""Models of 学习时长与学时."""
