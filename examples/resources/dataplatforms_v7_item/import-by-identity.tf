# The item's identity is its team and id. The import finds the storage connection as
# <team_slug>/<item_id> does; when the team has several connections and V7's folder for the item
# is under more than one of them, name it with the id form <team_slug>/<item_id>/<connection>.
import {
  to = dataplatforms_v7_item.scan
  identity = {
    team_slug = "acme"
    id        = "0190d4f6-3f2c-7a51-9a0e-5c4f1b2d8e11"
  }
}
