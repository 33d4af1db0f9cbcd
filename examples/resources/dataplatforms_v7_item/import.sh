# <team_slug>/<item_id>, or <item_id> alone with the provider's v7.team_slug (or the API key's team).
# V7 does not report an item's storage connection or storage keys: the next apply records
# storage_slug and slots from the configuration in place, and computes metadata_scope.
terraform import dataplatforms_v7_item.scan acme/0190d4f6-3f2c-7a51-9a0e-5c4f1b2d8e11
