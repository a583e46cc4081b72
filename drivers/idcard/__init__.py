"""Resident ID card reader (居民身份证阅读器): SAM serial codec, text parser, driver, simulator."""
