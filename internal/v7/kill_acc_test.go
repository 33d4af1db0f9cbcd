package v7_test

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

const killTF = `
resource "dataplatforms_v7_item" "test" {
  dataset_slug = "sandbox-dataset"
  storage_slug = %q
  name         = "scan-1"
  path         = "/%s"
  slots        = [{ slot_name = "0", file_name = "scan-1.jpg", storage_key = %q }]
}
`

// fill writes n objects into folder (the item's own metadata folder, as V7's thumbnails and
// sections would be) and returns their count with what V7 wrote.
func (it *itemTest) fill(folder string, n int) int {
	it.t.Helper()
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(16)
	for i := range n {
		g.Go(func() error {
			_, err := it.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain),
				Key: aws.String(fmt.Sprintf("%s/uploads/u-%d/sections/%06d.png", folder, i%7, i)), Body: bytes.NewReader([]byte("png"))})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		it.t.Fatal(err)
	}
	return it.under(folder)
}

// under counts the objects in folder/ (every version).
func (it *itemTest) under(folder string) int {
	it.t.Helper()
	scope, err := storage.NewScope(sandbox.BucketPlain, folder)
	if err != nil {
		it.t.Fatal(err)
	}
	keys, err := acctest.ListKeys(context.Background(), it.s3, scope)
	if err != nil {
		it.t.Fatal(err)
	}
	return len(keys)
}

// The real terraform binary runs the built provider as its plugin. A destroy of an item
// owning 6,000 objects is killed (SIGKILL to the plugin's own pid; then to terraform and the
// plugin) once part of its cleanup has landed, with S3's deletes slowed; the next terraform
// destroy leaves 0 objects of the item and every neighbour byte-identical. Then an item deleted in V7 outside Terraform:
// the plan keeps it and says what is left, and terraform destroy removes it all.
func TestAccV7Item_killedDestroyAndOutOfBandDeleteLeaveNoOrphan(t *testing.T) {
	it := newItemTest(t, "kill")
	it.preCheck()
	source := it.base + "/scan-1.jpg"
	folder := v7fake.MetadataFolder("v7/darwin", source, "scan-1")
	parent := path.Dir(folder)
	it.plant(sandbox.BucketPlain, source, parent+"/scan-10/a.png", parent+"/scan-1.jpg", parent+"/scan-1x/b.png", parent+"/scan-1 x/c.png")
	w := acctest.NewWorkdir(t, fmt.Sprintf(killTF, v7fake.StorageRW, it.base, source))
	intact := func() {
		t.Helper()
		for _, n := range it.neighbours {
			if err := n.Intact(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	gone := func() {
		t.Helper()
		if n := it.under(folder); n != 0 {
			t.Fatalf("%d objects of the item left in s3://%s/%s", n, sandbox.BucketPlain, folder)
		}
		if items, err := it.itemsAt(); err != nil || len(items) != 0 {
			t.Fatalf("%d V7 items left (%v)", len(items), err)
		}
		if out := w.MustRun("state", "list"); strings.TrimSpace(out) != "" {
			t.Fatalf("state still holds %q", out)
		}
		intact()
	}

	// 1. A destroy whose provider plugin is killed half way; 2. one whose terraform is (the
	// plugin it leaves behind is killed too, as a machine going down would).
	for _, victim := range []string{"the provider plugin", "terraform"} {
		w.MustRun("apply", "-auto-approve")
		// 7 DeleteObjects batches (more than the engine sends at once), each delayed 3 s (a POST).
		owned := it.fill(folder, 6000)
		acctest.AddFault(t, `{"platform":"s3","latency_ms":3000,"method":"POST"}`)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		var out bytes.Buffer
		destroy := w.Command(ctx, "destroy", "-auto-approve", "-no-color")
		destroy.Stdout, destroy.Stderr = &out, &out
		if err := destroy.Start(); err != nil {
			t.Fatal(err)
		}
		killed := 0
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if it.under(folder) < owned {
				if victim == "terraform" && destroy.Process.Kill() == nil {
					killed++
				}
				killed += w.KillPlugin()
				break
			}
		}
		err := destroy.Wait()
		cancel()
		acctest.ClearFaults(t)
		// Batches S3 took before the kill land; those still delayed die with their client.
		if err := acctest.Eventually(30*time.Second, func() error {
			if n := acctest.Sandbox(t).Faults().InFlight("s3"); n > 0 {
				return fmt.Errorf("%d S3 requests still in flight", n)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if killed == 0 || err == nil {
			t.Fatalf("%s was not killed mid-cleanup (killed %d, terraform: %v)\n%s", victim, killed, err, out.String())
		}
		left := it.under(folder)
		t.Logf("killed %s with %d of %d owned objects left; terraform said:\n%s", victim, left, owned, tail(out.String(), 12))
		if left == 0 {
			t.Fatal("the cleanup had finished before the kill: the test proves nothing")
		}
		intact()
		plan := w.MustRun("plan", "-destroy")
		flat := strings.Join(strings.Fields(plan), " ") // terraform wraps diagnostics
		if !strings.Contains(flat, "platform_deleted = true") || !strings.Contains(flat, "dataplatforms_v7_item.test will be destroyed") ||
			!strings.Contains(flat, fmt.Sprintf("finish the storage cleanup (the platform object is already deleted) and remove: s3://%s/%s: %d objects", sandbox.BucketPlain, folder, left)) {
			t.Errorf("the plan after killing %s does not keep the item and say what is left:\n%s", victim, plan)
		}
		w.MustRun("destroy", "-auto-approve")
		gone()
	}

	// 2. An item deleted in V7's UI.
	w.MustRun("apply", "-auto-approve")
	owned := it.fill(folder, 500)
	items, err := it.itemsAt()
	if err != nil || len(items) != 1 {
		t.Fatalf("%d items after the apply (%v)", len(items), err)
	}
	it.deleteInV7(items[0].ID)
	plan := w.MustRun("plan")
	flat := strings.Join(strings.Fields(plan), " ")
	if !strings.Contains(flat, "is deleted, but storage it owns is left") || !strings.Contains(flat, "The platform object is gone: deleted outside Terraform") ||
		!strings.Contains(flat, fmt.Sprintf("s3://%s/%s: %d objects", sandbox.BucketPlain, folder, owned)) || !strings.Contains(flat, "must be replaced") {
		t.Errorf("the plan after the out-of-band delete does not keep the item with its %d objects:\n%s", owned, plan)
	}
	if n := it.under(folder); n != owned {
		t.Fatalf("the plan touched storage: %d objects left of %d", n, owned)
	}
	w.MustRun("destroy", "-auto-approve")
	gone()
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}
