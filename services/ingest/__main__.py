from services.ingest.app import create_app
from shared.service import serve
from shared.settings import IngestSettings

if __name__ == "__main__":
    settings = IngestSettings()
    serve(create_app(settings), settings)
