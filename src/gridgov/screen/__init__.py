"""The command screen (一屏统调): the district — or a street, a community — on one screen."""
