"""Camunda's `/engine-rest` identity resources (user, group, authorization, identity) and the
Legato export; every view goes through the same services and checks as the pages."""
