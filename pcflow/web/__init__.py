"""`pcflow web`: the stored documents in a browser, and a JSON API with its OpenAPI document."""
