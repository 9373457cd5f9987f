from services.classify.app import create_app
from shared.service import serve
from shared.settings import ClassifySettings

settings = ClassifySettings()
serve(create_app(settings), settings)
