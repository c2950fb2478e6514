// OmniBench module.
