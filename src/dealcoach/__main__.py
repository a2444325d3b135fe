from dealcoach.cli import main

main()
