"""Placeholder replaced by the import work in this same change."""

from rest_framework import viewsets

from dangjian.access import classify


class ImportJobViewSet(viewsets.ViewSet):
    access = classify.AUTHENTICATED
