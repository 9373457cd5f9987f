from pcflow.web.app import serve
from shared.settings import WebSettings

if __name__ == "__main__":
    serve(WebSettings())
