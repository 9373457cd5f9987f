from services.ingest.app import create_app
from shared.service import serve
from shared.settings import IngestSettings

settings = IngestSettings()
serve(create_app(settings), settings)
