"""The words of the reports, apart from the numbers: number formats, sentences chosen by the
numbers, and the appendix (methods, limitations, references), each in English and Dutch."""
