# <item_id> (with the provider's v7.team_slug, or the API key's team), <team_slug>/<item_id>, or
# <team_slug>/<item_id>/<storage connection> when the team has several connections and V7's folder
# for the item is under more than one of them. The import reads the slots (and their storage keys)
# from V7 and finds the storage connection, so that `terraform plan -generate-config-out=...` with an
# import block writes a configuration that plans with no changes. Values the import read are
# recorded in place if your configuration spells them otherwise (a slot type left to V7's guess, a
# connection by its name): never a replacement.
terraform import dataplatforms_v7_item.scan acme/0190d4f6-3f2c-7a51-9a0e-5c4f1b2d8e11
