from services.store.app import create_app
from shared.service import serve
from shared.settings import StoreSettings

settings = StoreSettings()
serve(create_app(settings), settings)
