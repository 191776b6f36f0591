from ninja import Router

router = Router(tags=["value creation"])
