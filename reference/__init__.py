"""Reference data the whole product shares: frameworks, the municipality list, score vocabularies.

Pure Python over files in data/; nothing here touches the database (the store installs it there).
"""
