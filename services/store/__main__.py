from services.store.app import create_app
from shared.service import serve
from shared.settings import StoreSettings

if __name__ == "__main__":
    settings = StoreSettings()
    serve(create_app(settings), settings)
