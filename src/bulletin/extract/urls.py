"""The extract app's desk page, mounted under /desk/ by the project's URLs.

Here rather than in the desk's URLs: this app builds on the desk (its access checks and page
frame), and the desk must not import it back.
"""

from django.urls import path

from bulletin.extract import desk

urlpatterns = [
    path("<slug:slug>/quotes-topics", desk.quotes_topics, name="desk-quotes-topics"),
]
