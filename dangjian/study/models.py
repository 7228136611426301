"""Models of 学习专题与学习笔记."""
