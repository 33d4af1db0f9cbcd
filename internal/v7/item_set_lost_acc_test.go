package v7_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
)

// upload makes an item in the set's folder as V7's uploads do (darwin-py's register_upload,
// sent as a raw request): no storage keys. It returns the item's id.
func (st *setTest) upload(name string) string {
	st.t.Helper()
	body, err := json.Marshal(map[string]any{
		"dataset_slug": v7fake.DatasetSlug,
		"items": []map[string]any{{"name": name, "path": st.folder, "tags": []string{}, "layout": nil,
			"slots": []map[string]any{{"slot_name": "0", "file_name": name, "tags": []string{}}}}},
		"options": map[string]any{"force_tiling": false, "handle_as_slices": false, "ignore_dicom_layout": false},
	})
	if err != nil {
		st.t.Fatal(err)
	}
	url := acctest.Sandbox(st.t).Endpoints["v7"] + "/api/v2/teams/" + v7fake.TeamSlug + "/items/register_upload"
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		st.t.Fatal(err)
	}
	req.Header.Set("Authorization", "ApiKey "+v7fake.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		st.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var answer struct {
		Items []struct {
			ID    string           `json:"id"`
			Slots []map[string]any `json:"slots"`
		} `json:"items"`
		BlockedItems []any `json:"blocked_items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != http.StatusOK || len(answer.Items) != 1 {
		st.t.Fatalf("uploading %s: %d %v %+v", name, resp.StatusCode, err, answer)
	}
	it, err := st.v7.Item(context.Background(), v7fake.TeamSlug, answer.Items[0].ID)
	if err != nil {
		st.t.Fatal(err)
	}
	for _, s := range it.Slots {
		if s.StorageKey != "" {
			st.t.Fatalf("the uploaded item shows storage key %q: the test proves nothing", s.StorageKey)
		}
	}
	return answer.Items[0].ID
}

// An item uploaded to V7 (no storage keys in V7's answer) sits, outside Terraform, at the
// place a new source key maps to, and the answer of the update's registration is lost after
// V7 acted. The recovery must not take the uploaded item for the batch's: V7 had it there all
// along. It is sent again, V7 blocks the taken place, and the warning says so; the other new
// items are registered once; neither the update nor the destroy deletes the uploaded item.
// The old code adopted it (its answer has no keys) and the destroy deleted it.
func TestAccV7ItemSet_lostAnswerInUpdateNeverAdoptsForeignUpload(t *testing.T) {
	st := newSetTest(t, "setlostupload")
	t.Cleanup(func() { acctest.ClearFaults(t) }) // a failed step leaves its fault
	st.putSources(5)
	warnings, factories := acctest.RecordingFactories()
	cfg := config.StaticFile("testdata/item_set.tf")
	foreignPlace := st.folder + "/img-0010.jpg"
	var foreign string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", "5"),
					st.checkItems(5),
				),
			},
			{
				PreConfig: func() {
					foreign = st.upload("img-0010.jpg")
					// Not the set's, so no destroy removes it: gone with the test, or other sets'
					// img-0010.jpg folders would be kept for it (a keyless item may use any).
					t.Cleanup(func() {
						_, _ = st.v7.DeleteItems(context.Background(), v7fake.TeamSlug, v7.Filters{DatasetIDs: []int64{v7fake.DatasetID}, ItemIDs: []string{foreign}})
					})
					st.put(st.key(10), st.key(11), st.key(12), st.key(13))
					// The update's registration answer is lost after V7 acted.
					acctest.AddFault(t, `{"platform":"v7","lose":"response","count":1,"method":"POST","path_regexp":"register_existing$"}`)
					acctest.Sandbox(t).Faults().ClearRequests()
					warnings.Reset()
				},
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				// img-0010.jpg stays wanted and blocked: the plan after the apply tries it again.
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						acctest.ClearFaults(t)
						return nil
					},
					// 5 and the 3 new ones; the uploaded item adopted made it 9 (the set's items are
					// in private state: the count, and the destroy below that keeps the item, tell).
					resource.TestCheckResourceAttr(setAddr, "item_count", "8"),
					func(*terraform.State) error {
						items, err := st.items()
						if err != nil {
							return err
						}
						names := map[string]int{}
						for _, it := range items {
							names[it.Name]++
						}
						for _, i := range []int{10, 11, 12, 13} {
							if n := names[fmt.Sprintf("img-%04d.jpg", i)]; n != 1 {
								return fmt.Errorf("%d items named img-%04d.jpg in V7, want 1", n, i)
							}
						}
						if len(items) != 9 {
							return fmt.Errorf("%d items in V7 folder %s, want the set's 8 and the uploaded one", len(items), st.folder)
						}
						if _, err := st.v7.Item(context.Background(), v7fake.TeamSlug, foreign); err != nil {
							return fmt.Errorf("the update deleted the uploaded item: %w", err)
						}
						if _, regs, _ := v7Requests(t); regs != 2 {
							return fmt.Errorf("%d registrations, want 2: the lost one and the retry of the place it did not take", regs)
						}
						return warnings.Expect("ApplyResourceChange",
							regexp.MustCompile(`V7 did not register 1 items.*`+regexp.QuoteMeta(foreignPlace)+`: [^,]*ALREADY_EXISTS`))
					},
				),
			},
			{
				ConfigFile: cfg, ConfigVariables: st.vars(nil), Destroy: true,
				Check: func(*terraform.State) error {
					if _, err := st.v7.Item(context.Background(), v7fake.TeamSlug, foreign); err != nil {
						return fmt.Errorf("the destroy deleted the uploaded item: %w", err)
					}
					return st.checkItems(1)(nil) // the uploaded item alone
				},
			},
		},
	})
}

// wrapped matches text as terraform prints it, wrapped at any space.
func wrapped(text string) string {
	return strings.Join(strings.Fields(regexp.QuoteMeta(text)), `\s+`)
}

// A removal of items the configuration no longer holds that fails says what an apply does
// next, not what a destroy does: when V7 refuses the delete, the items stay in the set and the
// next terraform apply deletes them (it does); when S3 refuses the metadata folders' delete,
// the items have left the set and its metadata_scope keeps the folders, which the set's
// destroy removes. The old code said "run terraform destroy again" both times, as if the set
// were being destroyed.
func TestAccV7ItemSet_failedRemovalAdvisesApply(t *testing.T) {
	st := newSetTest(t, "setremovefail")
	t.Cleanup(func() { acctest.ClearFaults(t) }) // a failed step leaves its fault
	st.putSources(6)
	cfg := config.StaticFile("testdata/item_set.tf")
	removeSource := func(i int) {
		if _, err := st.s3.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(st.key(i))}); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				Check: resource.TestCheckResourceAttr(setAddr, "item_count", "6"),
			},
			{ // V7 answers the delete with 500 until the retries run out
				PreConfig: func() {
					removeSource(5)
					acctest.AddFault(t, `{"platform":"v7","status":500,"method":"DELETE","path_regexp":"/items$"}`)
				},
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ExpectError: regexp.MustCompile(`(?s)` + wrapped("Deleting 1 items the configuration no longer holds") + `.*failed.*500.*` +
					wrapped("The 1 items stay in the set's state; fix the cause and run terraform apply again")),
			},
			{ // the advice holds: the next apply deletes the item
				PreConfig: func() {
					acctest.ClearFaults(t)
					if got, err := st.owned(5); err != nil || got != v7fake.DerivedPerSlot {
						t.Errorf("the refused removal touched the folder of img-0005.jpg: %d objects (%v)", got, err)
					}
				},
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", "5"),
					resource.TestCheckResourceAttr(setAddr, "platform_deleted", "false"),
					st.checkItems(5),
					func(*terraform.State) error {
						if got, err := st.owned(5); err != nil || got != 0 {
							return fmt.Errorf("%d objects left in the removed item's folder (%w)", got, err)
						}
						return nil
					},
				),
			},
			{ // S3 refuses the folder's delete: V7's item is gone, the folder stays in the scope
				PreConfig: func() {
					removeSource(4)
					// Every DeleteObjects refused, as a bucket policy would (both stores).
					acctest.AddFault(t, `{"platform":"s3","status":403,"method":"POST"}`)
				},
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ExpectError: regexp.MustCompile(`(?s)` + wrapped("Removing the metadata folders of 1 items the configuration no longer holds") +
					`.*` + wrapped("deleted from V7 and have left the set") + `.*` + wrapped("The folders stay in the set's metadata_scope") +
					`.*` + wrapped("a later terraform apply does not try again")),
			},
			{
				PreConfig:  func() { acctest.ClearFaults(t) },
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", "4"),
					resource.TestCheckResourceAttr(setAddr, "platform_deleted", "false"),
					st.checkItems(4),
					// The 4 items' folders and the one whose cleanup failed.
					resource.TestCheckResourceAttr(setAddr, "metadata_scope.prefix_count", "5"),
				),
			},
			{
				ConfigFile: cfg, ConfigVariables: st.vars(nil), Destroy: true,
				Check: func(*terraform.State) error {
					if err := st.checkItems(0)(nil); err != nil {
						return err
					}
					if got, err := st.owned(0, 1, 2, 3, 4, 5); err != nil || got != 0 {
						return fmt.Errorf("%d owned objects left after the destroy (%w)", got, err)
					}
					return nil
				},
			},
		},
	})
}
