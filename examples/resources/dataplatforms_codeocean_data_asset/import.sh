# The data asset id. The import reads source from Code Ocean's answer (source_bucket, or the
# computation a result names), so that `terraform plan -generate-config-out` with an import block
# writes a configuration that plans with no changes. An imported asset owns no storage until the
# configuration's storage_cleanup says so; a source your configuration spells otherwise (public,
# endpoint_name) is recorded in place, never a replacement.
terraform import dataplatforms_codeocean_data_asset.raw 3f8a1c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b
