module example.com/tr

go 1.26.0
