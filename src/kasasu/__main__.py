from kasasu.cli import main

main()
