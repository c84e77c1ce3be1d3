/*
 * test_cmdline.c: host tests of the boot command-line parser
 * (kernel/cmdline.c): good lines, each way a line can be wrong, and the
 * rule that test=1 is seen even on a bad line.
 */
#include <string.h>

#include "kernel/cmdline.h"
#include "tests/unit/check.h"

static int parse(const char *s, struct cmdline *c, char *err)
{
	memset(c, 0xAA, sizeof(*c));
	return cmdline_parse(s, c, err, 128);
}

TEST(cmdline_good)
{
	struct cmdline c;
	char err[128];

	REQUIRE(parse("node=0 role=master cluster=1", &c, err) == 0);
	CHECK(c.node == 0 && c.cluster == 1 && c.role == CMDLINE_ROLE_MASTER && c.test == 0);
	CHECK(err[0] == '\0');
	REQUIRE(parse("/boot/plurix.elf  role=pageserver\tcluster=65535 node=65534 test=1\n",
		      &c, err) == 0);
	CHECK(c.node == 65534 && c.cluster == 65535);
	CHECK(c.role == CMDLINE_ROLE_PAGESERVER && c.test == 1);
	REQUIRE(parse("plurix.elf node=7 role=slave cluster=0 test=0", &c, err) == 0);
	CHECK(c.node == 7 && c.role == CMDLINE_ROLE_SLAVE && c.test == 0);
	CHECK(strcmp(cmdline_role_name(c.role), "slave") == 0);
	CHECK(c.image == 0 && c.ckpt_s == 0);
	REQUIRE(parse("node=0 role=master cluster=1 image=1", &c, err) == 0);
	CHECK(c.image == 1 && c.role == CMDLINE_ROLE_MASTER);
	REQUIRE(parse("node=3 role=pageserver cluster=1 ckpt=86400", &c, err) == 0);
	CHECK(c.ckpt_s == 86400 && c.image == 0);
}

TEST(cmdline_pageserver_keys_checked)
{
	struct cmdline c;
	char err[128];

	CHECK(parse("node=0 role=master cluster=1 image=2", &c, err) == -1);
	CHECK(strstr(err, "image='2'") != NULL);
	CHECK(parse("node=3 role=pageserver cluster=1 ckpt=86401", &c, err) == -1);
	CHECK(strstr(err, "ckpt='86401': must be seconds") != NULL);
	CHECK(parse("node=3 role=pageserver cluster=1 ckpt=5 ckpt=6", &c, err) == -1);
	CHECK(strstr(err, "given twice") != NULL);
}

TEST(cmdline_missing)
{
	struct cmdline c;
	char err[128];

	CHECK(parse(NULL, &c, err) == -1);
	CHECK(strstr(err, "node") != NULL);
	CHECK(parse("", &c, err) == -1);
	CHECK(parse("node=1 cluster=1", &c, err) == -1);
	CHECK(strstr(err, "role") && strstr(err, "missing"));
	CHECK(parse("node=1 role=slave", &c, err) == -1);
	CHECK(strstr(err, "cluster") != NULL);
}

TEST(cmdline_bad_values)
{
	struct cmdline c;
	char err[128];

	CHECK(parse("node=65535 role=master cluster=1", &c, err) == -1);
	CHECK(strstr(err, "node='65535'") != NULL);
	CHECK(parse("node=-1 role=master cluster=1", &c, err) == -1);
	CHECK(parse("node= role=master cluster=1", &c, err) == -1);
	CHECK(parse("node=1x role=master cluster=1", &c, err) == -1);
	CHECK(parse("node=000001 role=master cluster=1", &c, err) == -1);
	CHECK(parse("node=1 role=boss cluster=1", &c, err) == -1);
	CHECK(strstr(err, "role='boss'") != NULL);
	CHECK(parse("node=1 role=master cluster=65536", &c, err) == -1);
	CHECK(parse("node=1 role=master cluster=1 test=2", &c, err) == -1);
	CHECK(parse("node=1 role=master cluster=1 node=2", &c, err) == -1);
	CHECK(strstr(err, "twice") != NULL);
}

TEST(cmdline_bad_words)
{
	struct cmdline c;
	char err[128];
	char longline[2048];

	CHECK(parse("node=1 role=master cluster=1 color=red", &c, err) == -1);
	CHECK(strstr(err, "color='red': unknown key") != NULL);
	CHECK(parse("node=1 role=master bogus cluster=1", &c, err) == -1);
	CHECK(strstr(err, "bogus") != NULL);
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	CHECK(parse(longline, &c, err) == -1);
	CHECK(strstr(err, "too long") != NULL);
	memcpy(longline, "node=1 role=master cluster=1 x=", 31);
	longline[200] = '\0';
	CHECK(parse(longline, &c, err) == -1);
	CHECK(strstr(err, "too long") != NULL);
}

TEST(cmdline_test_flag_survives_errors)
{
	struct cmdline c;
	char err[128];

	CHECK(parse("node=99999 role=master cluster=1 test=1", &c, err) == -1);
	CHECK(c.test == 1);
	CHECK(strstr(err, "node") != NULL);     /* the first problem is reported */
	CHECK(parse("test=1 color=red", &c, err) == -1);
	CHECK(c.test == 1);
	CHECK(parse("node=1 role=x cluster=1", &c, err) == -1);
	CHECK(c.test == 0);
}

TEST(cmdline_small_error_buffer)
{
	struct cmdline c;
	char err[8];

	memset(err, 'z', sizeof(err));
	CHECK(cmdline_parse("color=red", &c, err, sizeof(err)) == -1);
	CHECK(err[7] == '\0');
	CHECK(strlen(err) == 7);
}
