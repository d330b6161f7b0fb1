"""Working days (工作日), holidays and make-up workdays, deadline arithmetic."""
