#include "harness/app/cli.h"

int main(int argc, char** argv) { return tmfault::run_cli(argc, argv); }
