from services.classify.app import create_app
from shared.service import serve
from shared.settings import ClassifySettings

if __name__ == "__main__":
    settings = ClassifySettings()
    serve(create_app(settings), settings)
