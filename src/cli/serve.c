#include "cmd.h"
int cmd_serve(int argc, char **argv, struct aiv_ctx *ctx) { (void)argc; (void)argv; (void)ctx; return 1; }
