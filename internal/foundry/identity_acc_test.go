package foundry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/foundry"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/foundryfake"
)

// newBranch creates an empty branch of the seeded dataset in the sandbox (the provider creates
// none): a file set imported by its identity takes every file of its branch, which on master
// holds the other tests' files too.
func newBranch(t *testing.T, name string) {
	t.Helper()
	u := acctest.Sandbox(t).Endpoints["foundry"] + "/api/v2/datasets/" + url.PathEscape(datasetRID(t)) + "/branches"
	body, _ := json.Marshal(map[string]string{"name": name})
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, u, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+foundryfake.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("creating branch %s: %s", name, resp.Status)
	}
	c, rid := accClient(t)
	if files, err := c.ListFiles(context.Background(), rid, name, 0); err != nil || len(files) != 0 {
		t.Fatalf("the new branch %s holds %d files (%v); want none", name, len(files), err)
	}
}

// The file's identity is where it is; an import block naming it imports the file, and the
// configuration generated from it plans with no changes.
func TestAccFoundryFile_importByIdentity(t *testing.T) {
	p := acctest.Unique("identity") + "/data.csv"
	cfg, vars := config.StaticFile("testdata/file.tf"), fileVars(t, p, config.Variables{"content": config.StringVariable("a,b\n1,2\n")})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			c, rid := accClient(t)
			if _, err := c.GetFile(context.Background(), rid, "master", p); err == nil {
				return fmt.Errorf("%s still on the branch after destroy", p)
			}
			return nil
		},
		Steps: append([]resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars},
		}, acctest.IdentitySteps(t, resource.TestStep{
			ConfigFile: cfg, ConfigVariables: vars, ResourceName: fileAddr, GenerateConfig: true,
		}, map[string]knownvalue.Check{
			"dataset_rid": knownvalue.StringExact(datasetRID(t)), "branch": knownvalue.StringExact("master"), "path": knownvalue.StringExact(p),
		})...),
	})
}

// The file set's identity is its branch; an import block naming it imports every file of the
// branch, here the set's own branch, and plans with no changes against the configuration.
func TestAccFoundryFileSet_importByIdentity(t *testing.T) {
	branch, prefix := acctest.Unique("identity"), acctest.Unique("setid")
	cfg := config.StaticFile("testdata/file_set.tf")
	vars := config.Variables{"dataset_rid": config.StringVariable(datasetRID(t)), "branch": config.StringVariable(branch),
		"prefix": config.StringVariable(prefix), "n": config.IntegerVariable(3)}
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			newBranch(t, branch)
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			c, rid := accClient(t)
			files, err := c.ListFiles(context.Background(), rid, branch, 0)
			if err != nil {
				return fmt.Errorf("listing branch %s: %w", branch, err)
			}
			if len(files) != 0 {
				return fmt.Errorf("%d files left on branch %s", len(files), branch)
			}
			return nil
		},
		Steps: append([]resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars},
		}, acctest.IdentitySteps(t, resource.TestStep{
			// Not a generated configuration: OpenTofu 1.12.6 writes the files' paths unquoted into it.
			ConfigFile: cfg, ConfigVariables: vars, ResourceName: setAddr,
		}, map[string]knownvalue.Check{
			"dataset_rid": knownvalue.StringExact(datasetRID(t)), "branch": knownvalue.StringExact(branch),
		})...),
	})
}

// A set re-imported by a selection wider than it (the whole branch, as an import by identity
// takes it), with the set's own configuration: the import's plan would delete the file another
// writer put on the branch, and is refused; the file stays. The import of the set's own
// selection, the folder, plans with no changes.
func TestAccFoundryFileSet_importNeverDropsWhatItTook(t *testing.T) {
	branch, prefix := acctest.Unique("importwide"), acctest.Unique("setwide")
	other := acctest.Unique("neighbour") + "/theirs.csv"
	cfg := config.StaticFile("testdata/file_set.tf")
	vars := config.Variables{"dataset_rid": config.StringVariable(datasetRID(t)), "branch": config.StringVariable(branch),
		"prefix": config.StringVariable(prefix), "n": config.IntegerVariable(3)}
	theirs := func() error {
		c, rid := accClient(t)
		_, err := c.GetFile(context.Background(), rid, branch, other)
		return err
	}
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			newBranch(t, branch)
			c, rid := accClient(t)
			if _, err := c.Upload(context.Background(), rid, other, foundry.Target{Branch: branch}, []byte("not the set's\n")); err != nil {
				t.Fatal(err)
			}
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := theirs(); err != nil {
				return fmt.Errorf("the other writer's %s is gone after the destroy: %w", other, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars},
			{
				ConfigFile: cfg, ConfigVariables: vars, ResourceName: setAddr,
				ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: datasetRID(t) + ":" + branch,
				ExpectError: regexp.MustCompile(`(?s)The import took 1 files of branch.*` + regexp.QuoteMeta(other)),
			},
			{
				PreConfig: func() {
					if err := theirs(); err != nil {
						t.Errorf("the refused plan touched %s: %v", other, err)
					}
				},
				ConfigFile: cfg, ConfigVariables: vars, ResourceName: setAddr,
				ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: datasetRID(t) + ":" + branch + ":" + prefix + "/",
			},
		},
	})
}
