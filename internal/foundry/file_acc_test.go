package foundry_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/foundry"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/foundryfake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

const (
	fileAddr = "dataplatforms_foundry_dataset_file.test"
	setAddr  = "dataplatforms_foundry_dataset_file_set.test"
)

// accClient is a client of the shared sandbox's Foundry, and its seeded dataset.
func accClient(t *testing.T) (*foundry.Client, string) {
	t.Helper()
	sb := acctest.Sandbox(t)
	rid := sb.Fixtures["foundry"].(map[string]any)["dataset_rid"].(string)
	return foundry.NewClient(sb.Endpoints["foundry"]+"/api", foundryfake.Token, transport.New(transport.Config{Platform: foundry.PlatformName})), rid
}

func datasetRID(t *testing.T) string {
	t.Helper()
	_, rid := accClient(t)
	return rid
}

func fileVars(t *testing.T, path string, extra config.Variables) config.Variables {
	v := config.Variables{"dataset_rid": config.StringVariable(datasetRID(t)), "path": config.StringVariable(path)}
	for k, val := range extra {
		v[k] = val
	}
	return v
}

func TestAccFoundryFile_lifecycleDriftAndHistory(t *testing.T) {
	dir := acctest.Unique("lifecycle")
	p, sibling := dir+"/data.csv", dir+"/sibling.csv"
	cfg := config.StaticFile("testdata/file.tf")
	var c *foundry.Client
	var rid, firstTx, lastTx string
	vars := func(content string) config.Variables {
		return fileVars(t, p, config.Variables{"content": config.StringVariable(content)})
	}
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			c, rid = accClient(t)
			if _, err := c.Upload(context.Background(), rid, sibling, foundry.Target{Branch: "master"}, []byte("neighbour")); err != nil {
				t.Fatal(err)
			}
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			ctx := context.Background()
			if _, err := c.GetFile(ctx, rid, "master", p); foundry.ErrorName(err) != foundry.ErrFileNotFoundOnBranch {
				return fmt.Errorf("%s still on the branch after destroy (err %w)", p, err)
			}
			if f, err := c.GetFileAt(ctx, rid, lastTx, p); err != nil || f.TransactionRID != lastTx {
				return fmt.Errorf("%s must stay in the historical view ending at %s: %+v, %w", p, lastTx, f, err)
			}
			body, err := c.GetContent(ctx, rid, "master", sibling)
			if err != nil || string(body) != "neighbour" {
				return fmt.Errorf("the file beside it changed: %q, %w", body, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars("a,b\n1,2\n"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(fileAddr, "id", datasetRID(t)+":master:"+p),
					resource.TestCheckResourceAttr(fileAddr, "branch", "master"),
					resource.TestCheckResourceAttr(fileAddr, "size_bytes", "8"),
					resource.TestCheckResourceAttrWith(fileAddr, "transaction_rid", func(v string) error {
						firstTx = v
						if !strings.HasPrefix(v, "ri.foundry.main.transaction.") {
							return fmt.Errorf("transaction_rid %q", v)
						}
						return nil
					}),
				),
			},
			{ // the bytes change in place: a new transaction on the branch
				ConfigFile: cfg, ConfigVariables: vars("a,b\n1,2\n3,4\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fileAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(fileAddr, "size_bytes", "12"),
					resource.TestCheckResourceAttrWith(fileAddr, "transaction_rid", func(v string) error {
						lastTx = v
						if v == firstTx {
							return fmt.Errorf("the update wrote no new transaction")
						}
						return nil
					}),
				),
			},
			{
				ConfigFile: cfg, ConfigVariables: vars("a,b\n1,2\n3,4\n"),
				ResourceName: fileAddr, ImportState: true, ImportStateVerify: true,
				ImportStateId:           datasetRID(t) + ":master:" + p,
				ImportStateVerifyIgnore: []string{"content", "timeouts"},
			},
			{ // an import block with a generated configuration plans with no changes
				ConfigFile: cfg, ConfigVariables: vars("a,b\n1,2\n3,4\n"),
				ResourceName: fileAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true,
				ImportStateId: datasetRID(t) + ":master:" + p,
			},
			{ // changed in Foundry outside Terraform: the plan restores it
				PreConfig: func() {
					if _, err := c.Upload(context.Background(), rid, p, foundry.Target{Branch: "master"}, []byte("tampered")); err != nil {
						t.Fatal(err)
					}
				},
				ConfigFile: cfg, ConfigVariables: vars("a,b\n1,2\n3,4\n"),
				PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			{
				ConfigFile: cfg, ConfigVariables: vars("a,b\n1,2\n3,4\n"),
				Check: resource.TestCheckResourceAttrWith(fileAddr, "transaction_rid", func(v string) error { lastTx = v; return nil }),
			},
		},
	})
}

func TestAccFoundryFile_sourceChangeAndOutOfBandDelete(t *testing.T) {
	p := acctest.Unique("source") + "/table.csv"
	src := filepath.Join(t.TempDir(), "table.csv")
	write := func(s string) {
		if err := os.WriteFile(src, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("v1\n")
	vars := fileVars(t, p, config.Variables{"source_file": config.StringVariable(src)})
	cfg := config.StaticFile("testdata/file.tf")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars, Check: resource.TestCheckResourceAttr(fileAddr, "size_bytes", "3")},
			{ // the same configuration, a changed file: an update in place
				PreConfig:  func() { write("v2 is longer\n") },
				ConfigFile: cfg, ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fileAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.TestCheckResourceAttr(fileAddr, "size_bytes", "13"),
			},
			{ // deleted outside Terraform: drift
				PreConfig: func() {
					c, rid := accClient(t)
					if err := c.DeleteFile(context.Background(), rid, p, foundry.Target{Branch: "master"}); err != nil {
						t.Fatal(err)
					}
				},
				ConfigFile: cfg, ConfigVariables: vars, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
		},
	})
}

// A running build holds an open transaction: the destroy waits, fails cleanly when the
// timeout runs out, and succeeds once the transaction is closed.
func TestAccFoundryFile_heldTransactionDelaysThenFailsTheDestroy(t *testing.T) {
	p := acctest.Unique("held") + "/out.csv"
	cfg := config.StaticFile("testdata/file.tf")
	var c *foundry.Client
	var rid string
	var held foundry.Transaction
	vars := fileVars(t, p, config.Variables{"content": config.StringVariable("x"), "delete_timeout": config.StringVariable("3s")})
	destroyed := func(*terraform.State) error {
		if _, err := c.GetFile(context.Background(), rid, "master", p); foundry.ErrorName(err) != foundry.ErrFileNotFoundOnBranch {
			return fmt.Errorf("%s still on the branch (err %w)", p, err)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t); c, rid = accClient(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             destroyed,
		Steps: []resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars},
			{
				PreConfig: func() {
					var err error
					if held, err = c.CreateTransaction(context.Background(), rid, "master", "SNAPSHOT"); err != nil {
						t.Fatal(err)
					}
					// Whatever the steps do, the branch is freed for the tests that follow.
					t.Cleanup(func() { _ = c.AbortTransaction(context.Background(), rid, held.RID) })
				},
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true,
				ExpectError: regexp.MustCompile(`(?s)held\s+by\s+SNAPSHOT\s+transaction\s+\S+,\s+opened\s+\S+,\s+which\s+this\s+provider\s+did\s+not\s+open.*running\s+build.*OpenTransactionAlreadyExists`),
			},
			{
				PreConfig: func() {
					if _, err := c.GetFile(context.Background(), rid, "master", p); err != nil {
						t.Errorf("the blocked destroy must leave the file: %v", err)
					}
					if err := c.AbortTransaction(context.Background(), rid, held.RID); err != nil {
						t.Fatal(err)
					}
				},
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true,
				Check: destroyed, // here: CheckDestroy does not run once a step emptied the state
			},
		},
	})
}

func TestAccFoundryFile_errorsNameFoundryAndProtectionHolds(t *testing.T) {
	p := acctest.Unique("errors") + "/x.csv"
	cfg := config.StaticFile("testdata/file.tf")
	missing := "ri.foundry.main.dataset.00000000-0000-4000-8000-00000000dead"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				ConfigFile:      cfg,
				ConfigVariables: config.Variables{"dataset_rid": config.StringVariable(missing), "path": config.StringVariable(p), "content": config.StringVariable("x")},
				ExpectError:     regexp.MustCompile(`(?s)404 Not Found \(DatasetNotFound\).*datasetRid: ` + regexp.QuoteMeta(missing)),
			},
			{
				ConfigFile:      cfg,
				ConfigVariables: config.Variables{"dataset_rid": config.StringVariable("ri.foundry.main.folder.x"), "path": config.StringVariable("/abs"), "content": config.StringVariable("x")},
				ExpectError:     regexp.MustCompile(`(?s)must be a dataset RID.*relative file path`),
				PlanOnly:        true,
			},
			{
				ConfigFile: cfg, ConfigVariables: fileVars(t, p, config.Variables{"content": config.StringVariable("x"), "deletion_protection": config.BoolVariable(true)}),
			},
			{
				ConfigFile: cfg, ConfigVariables: fileVars(t, p, config.Variables{"content": config.StringVariable("x"), "deletion_protection": config.BoolVariable(true)}),
				Destroy: true, ExpectError: regexp.MustCompile(`is protected from deletion`),
			},
			{
				ConfigFile: cfg, ConfigVariables: fileVars(t, p, config.Variables{"content": config.StringVariable("x")}),
			},
		},
	})
}

func TestAccFoundryFiles_dataSourceKeepsTheFolderBoundary(t *testing.T) {
	dir := acctest.Unique("ds")
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			c, rid := accClient(t)
			for _, p := range []string{dir + "/a.csv", dir + "/sub/b.csv", dir + "-other/c.csv", dir + "x/d.csv"} {
				if _, err := c.Upload(context.Background(), rid, p, foundry.Target{Branch: "master"}, []byte(p)); err != nil {
					t.Fatal(err)
				}
			}
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			ConfigFile:      config.StaticFile("testdata/files_data_source.tf"),
			ConfigVariables: config.Variables{"dataset_rid": config.StringVariable(datasetRID(t)), "prefix": config.StringVariable(dir)},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.dataplatforms_foundry_dataset_files.folder", "files.#", "2"),
				resource.TestCheckResourceAttr("data.dataplatforms_foundry_dataset_files.folder", "files.0.path", dir+"/a.csv"),
				resource.TestCheckResourceAttr("data.dataplatforms_foundry_dataset_files.folder", "files.1.path", dir+"/sub/b.csv"),
				resource.TestCheckResourceAttr("data.dataplatforms_foundry_dataset_files.folder", "files.1.size_bytes", fmt.Sprint(len(dir+"/sub/b.csv"))),
				resource.TestCheckTypeSetElemNestedAttrs("data.dataplatforms_foundry_dataset_files.all", "files.*", map[string]string{"path": foundryfake.SeedReadme}),
			),
		}},
	})
}
