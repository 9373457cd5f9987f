from services.extract.app import create_app
from shared.service import serve
from shared.settings import ExtractSettings

settings = ExtractSettings()
serve(create_app(settings), settings)
