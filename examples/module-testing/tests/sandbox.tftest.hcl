# Runs with `terraform test` or `tofu test` against the dataplatforms sandbox, started with this
# module's fixtures and faults (docs/guides/module-testing.md):
#
#   dataplatforms-sandbox -env-file sandbox.env -fixtures fixtures/s3 -faults faults.json &
#   source sandbox.env && terraform test
#
# The sandbox's env file points the provider at it: no provider block is needed here.

variables {
  scan_key = "module-test/scans/scan-1.jpg"
  bucket   = "sandbox-data"
}

# Bad input is refused at plan, before anything is created.
run "refuses_an_absolute_key" {
  command = plan
  variables {
    scan_key = "/module-test/scans/scan-1.jpg"
  }
  expect_failures = [var.scan_key]
}

# Apply against the sandbox. faults.json answers V7's first registration with a 429: the
# provider retries it, and the module still applies. The test framework destroys everything at
# the end; the runner (tools/module-test.sh) then checks that V7's files for the scan are gone
# from the bucket and the scan itself is not.
run "applies" {
  assert {
    condition     = output.v7_processing_status == "complete"
    error_message = "V7 did not finish processing the scan: ${output.v7_processing_status}."
  }
  assert {
    condition     = length(output.v7_metadata_prefixes) == 1 && output.v7_metadata_prefixes[0] == "v7/darwin/module-test/scans/data/scan-1.jpg"
    error_message = "The item owns ${jsonencode(output.v7_metadata_prefixes)}, not V7's folder for the scan."
  }
  assert {
    condition     = output.codeocean_state == "ready" && output.codeocean_files == 1
    error_message = "The Code Ocean asset is ${output.codeocean_state} with ${output.codeocean_files} files; want ready with 1."
  }
}
