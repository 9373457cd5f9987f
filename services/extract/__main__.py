from services.extract.app import create_app
from shared.service import serve
from shared.settings import ExtractSettings

if __name__ == "__main__":
    settings = ExtractSettings()
    serve(create_app(settings), settings)
