# Remove the metadata V7 left behind for items deleted in its UI, in three commands:
#
#   terraform apply          # adopts the orphaned folders (deletes nothing) and says how many
#   terraform plan -destroy  # lists exactly what goes, folder by folder, with objects and bytes
#   terraform destroy        # removes them; a folder an item registered since then uses is kept
#
# older_than leaves alone what changed recently (an item being registered right now). Only
# folders with evidence that V7 wrote them are adopted; include_unconfirmed = true takes the
# folders that only look like V7's too, once a person has judged them (see the data source's
# `unconfirmed`).
resource "dataplatforms_v7_orphaned_metadata_cleanup" "raw_2021" {
  storage_slug  = "acme-s3"
  source_folder = "raw/2021"
  older_than    = "720h"
}
