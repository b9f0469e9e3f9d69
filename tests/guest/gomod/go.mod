module gtguest

go 1.19
