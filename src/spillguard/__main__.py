from spillguard.cli import main

main()
