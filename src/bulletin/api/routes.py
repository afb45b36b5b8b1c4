from ninja import NinjaAPI

api = NinjaAPI(title="Bulletin API", version="1", urls_namespace="api-v1")
