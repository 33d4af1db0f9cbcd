# Remove the metadata V7 left behind for items deleted in its UI, in three commands:
#
#   terraform apply          # adopts the orphaned folders (deletes nothing) and says how many
#   terraform plan -destroy  # lists exactly what goes, folder by folder, with objects and bytes
#   terraform destroy        # removes them; a folder an item registered since then uses is kept
#
# older_than leaves alone what changed recently (an item being registered right now).
resource "dataplatforms_v7_orphaned_metadata_cleanup" "raw_2021" {
  storage_slug  = "acme-s3"
  source_folder = "raw/2021"
  older_than    = "720h"
}
